import type { Knex } from 'knex';
import { execute } from './execute';

/** supplier_items.max_order_quantity: the most a supplier takes in one order of the item (null: no cap). */
export async function up(knex: Knex): Promise<void> {
  await execute(knex, [
    'alter table supplier_items add column max_order_quantity numeric(14, 3) check (max_order_quantity > 0)',
    `comment on column supplier_items.max_order_quantity is 'Largest quantity of the item one order may have (a truck, a production batch); the plan cuts its order to the largest multiple within it. Null: no cap.'`,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await execute(knex, ['alter table supplier_items drop column max_order_quantity']);
}
