import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service.js';

/** The audit trail's writer, for every feature that changes users, hubs or reference data. */
@Global()
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
