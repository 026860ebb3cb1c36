/**
 * THE definitions of what a truck weighs and which trucks count, for SQL and for code alike:
 * statistics, the energy report's tonnes, the weekly report, the export and the API all use
 * these, so none can drift from the others.
 *
 * They describe the `dispatch` table, which dispatches/ owns, yet live here: stats/ folds that
 * table but hears of dispatches only through the outbox (it may not import dispatches/), and
 * common/ is what both may import. This file imports nothing.
 */

/** What a truck's tonnage is read from: the two weights every dispatch carries. */
export interface WeighedDispatch {
  /** The weighbridge's net cargo weight, when recorded. */
  cargoWeightKg: string | null;
  /** The sum of its lines' weights. */
  linesWeightKg: string;
}

/** A truck's tonnage in kg: its weighbridge weight when recorded, else its lines' weight. */
export function tonnageKg(dispatch: WeighedDispatch): string {
  return dispatch.cargoWeightKg ?? dispatch.linesWeightKg;
}

/** `tonnageKg` in SQL, over the `dispatch` row aliased `alias`. */
export function dispatchTonnageKgSql(alias: string): string {
  return `COALESCE(${alias}.cargo_weight_kg, ${alias}.lines_weight_kg)`;
}

/**
 * The dispatches that count in figures and registers: every one not cancelled. 'CANCELLED' is
 * DispatchStatus.Cancelled (src/dispatches/dispatch-status.spec.ts checks they agree).
 */
export function dispatchNotCancelledSql(alias: string): string {
  return `${alias}.status <> 'CANCELLED'`;
}
