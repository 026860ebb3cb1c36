import { dispatchNotCancelledSql, tonnageKg } from '../common/dispatch-rules.js';
import { DispatchStatus } from './dispatch-status.js';

describe('the dispatch rules of common/', () => {
  it('leave out the status dispatches/ calls cancelled', () => {
    expect(dispatchNotCancelledSql('d')).toBe(`d.status <> '${DispatchStatus.Cancelled}'`);
  });

  it('weigh a truck by the weighbridge when it was weighed, else by its lines', () => {
    expect(tonnageKg({ cargoWeightKg: '10120.500', linesWeightKg: '9900.000000' })).toBe(
      '10120.500',
    );
    expect(tonnageKg({ cargoWeightKg: null, linesWeightKg: '9900.000000' })).toBe('9900.000000');
  });
});
