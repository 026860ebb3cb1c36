import { Actor } from '../../auth/dto/actor.dto.js';
import { DispatchStatus } from '../../dispatches/dispatch-status.js';
import { LoadPlanResponse } from '../../plans/dto/load-plan.dto.js';
import { ReleaseStatus } from '../release-status.js';

export class ReleaseLineResponse {
  sku: string;
  name: string;
  /** Units promised. */
  quantity: number;
  /** Units that left on dispatches against the release (not cancelled). */
  dispatched: number;
  /** quantity - dispatched: still reserved while the release is OPEN or PARTIAL. */
  remaining: number;
  weightKg: number;
  volumeM3: number;
}

export class ReleaseKitResponse {
  code: string;
  quantity: number;
  householdSize: number;
}

export class ReleaseDispatchResponse {
  id: string;
  waybillNo: string;
  dispatchedAt: string;
  status: DispatchStatus;
  truckPlate: string;
  tonnes: number;
}

export class ReleaseResponse {
  id: string;
  /** REL-TMZ-2026-0001. */
  number: string;
  hub: string;
  destination: string;
  emergency: string | null;
  neededBy: string | null;
  note: string | null;
  status: ReleaseStatus;
  lines: ReleaseLineResponse[];
  kits: ReleaseKitResponse[];
  /** Households the release's kits equip. */
  households: number;
  /** Of everything promised, catalogue weights at creation. */
  tonnes: number;
  volumeM3: number;
  /** Of what remains to dispatch (0 once fulfilled or cancelled). */
  remainingTonnes: number;
  /** The load plan of the lines as promised (null when no plan fits: over 1,000 trucks). */
  plan: LoadPlanResponse | null;
  createdAt: string;
  createdBy: Actor;
  cancelledAt: string | null;
  cancelReason: string | null;
  /** GET /api/releases/:id only: the dispatches loaded against it, newest first. */
  dispatches?: ReleaseDispatchResponse[];
}

export class PipelineGroupResponse {
  destination: string;
  destinationName: string;
  emergency: string | null;
  /** Open (OPEN or PARTIAL) releases of the group. */
  releases: number;
  /** What remains of them. */
  tonnes: number;
  volumeM3: number;
  /** Households their remaining kits still equip. */
  households: number;
  /** Trucks to carry what remains: each release planned as its own convoy. */
  trucks: number;
}

export class PipelineResponse {
  hub: string;
  /** The end of the day asked for (`asOf`), or null for now. */
  asOf: string | null;
  releases: number;
  tonnes: number;
  volumeM3: number;
  households: number;
  trucks: number;
  /** Per destination and emergency, largest tonnes first. */
  groups: PipelineGroupResponse[];
}
