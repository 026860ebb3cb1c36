import { EntityManager } from 'typeorm';
import type { StockLine } from '../stock/stock.service.js';

/** What a dispatch against a release asks of it. */
export interface ReleaseDraw {
  hubId: number;
  destinationId: number;
  lines: StockLine[];
}

/**
 * Release orders as dispatches see them. The releases folder implements it (and reads
 * dispatches for a release's page), so dispatches know releases only through this port and the
 * folders stay acyclic; ReleasesService registers itself with DispatchesService at start.
 */
export interface ReleaseLedger {
  /**
   * In the dispatch's transaction, before its stock is taken: locks the release, checks the
   * lines are its items within what remains (422) and that it is open (409), and counts them as
   * dispatched. The take then consumes the reservation.
   */
  draw(manager: EntityManager, releaseId: string, draw: ReleaseDraw): Promise<void>;
  /**
   * A dispatch of the release was cancelled: its quantities go back to what remains, when the
   * release still holds stock (not cancelled). Returns whether they did, so the stock coming
   * back is reserved for the release again rather than made available.
   */
  giveBack(manager: EntityManager, releaseId: string, lines: StockLine[]): Promise<boolean>;
}
