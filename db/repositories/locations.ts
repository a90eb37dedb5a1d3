import type { Db } from '../connection';

export interface Location {
  id: number;
  externalId: string;
  code: string;
  name: string;
}

/** Every stocking location, by code: a company has a handful of warehouses, not thousands. */
export async function listLocations(db: Db): Promise<Location[]> {
  const { rows } = await db.raw(`select id, external_id, code, name from locations order by code`);
  return rows.map((row: Record<string, unknown>) => ({
    id: Number(row.id),
    externalId: row.external_id as string,
    code: row.code as string,
    name: row.name as string,
  }));
}
