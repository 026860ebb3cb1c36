import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay.service.js';

/** Worker side of the outbox: the relay that puts committed events on their queues. */
@Module({ providers: [OutboxRelay], exports: [OutboxRelay] })
export class OutboxRelayModule {}
