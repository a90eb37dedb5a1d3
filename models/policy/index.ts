/** Inventory policy: lead-time learning, safety stock, levels, order quantities, supplier choice, draft POs, ABC/XYZ, planItem. */
export * from './classification';
export * from './dates';
export * from './lead-time';
export * from './levels';
export * from './order-quantity';
export * from './plan';
export * from './purchase-orders';
export * from './safety-stock';
export * from './supplier-choice';
