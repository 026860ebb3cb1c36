import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { DispatchesModule } from '../dispatches/dispatches.module.js';
import { ReleasesModule } from '../releases/releases.module.js';
import { CarbonModule } from '../carbon/carbon.module.js';
import { EnergyModule } from '../energy/energy.module.js';
import { HubsModule } from '../hubs/hubs.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { StatsModule } from '../stats/stats.module.js';
import { StockModule } from '../stock/stock.module.js';
import { AuditPagesController } from './audit-pages.controller.js';
import { CatalogueLookup } from './catalogue-lookup.service.js';
import { CoverageViews } from './coverage-view.service.js';
import { DashboardController } from './dashboard.controller.js';
import { DispatchPagesController } from './dispatch-pages.controller.js';
import { ReleasePagesController } from './release-pages.controller.js';
import { EnergyPagesController } from './energy-pages.controller.js';
import { FormRecorder } from './form-recorder.service.js';
import { loginLimiter } from './login-limit.js';
import { LoginController } from './login.controller.js';
import { QueueBoardPageController } from './queue-board.controller.js';
import { ReportPagesController } from './report-pages.controller.js';
import { AssetsController, NotFoundController } from './misc-pages.controller.js';
import { SessionsService } from './sessions.service.js';
import { StockPagesController } from './stock-pages.controller.js';
import { ViewsService } from './views.service.js';
import { WebExceptionFilter } from './web-exception.filter.js';
import { WebSessionGuard } from './web-session.guard.js';
import { languageOf } from './i18n.js';
import { LANGUAGE_COOKIE, readCookie, WebRequest } from './web-request.js';

/**
 * The staff web app under /app: server-rendered pages on the same services as the API, signed
 * in with a session cookie instead of an API key.
 */
@Module({
  imports: [
    AuthModule,
    HubsModule,
    CatalogueModule,
    StockModule,
    DispatchesModule,
    PlansModule,
    StatsModule,
    ReportsModule,
    EnergyModule,
    CarbonModule,
    ReleasesModule,
  ],
  controllers: [
    AssetsController,
    LoginController,
    DashboardController,
    StockPagesController,
    DispatchPagesController,
    ReleasePagesController,
    ReportPagesController,
    EnergyPagesController,
    AuditPagesController,
    QueueBoardPageController,
    // Last: it answers every other path under /app.
    NotFoundController,
  ],
  providers: [
    SessionsService,
    ViewsService,
    CatalogueLookup,
    CoverageViews,
    FormRecorder,
    WebSessionGuard,
    WebExceptionFilter,
  ],
  // For the queue dashboard's guard (queue-board.module.ts), which admits web sessions too.
  exports: [SessionsService],
})
export class WebModule implements NestModule {
  constructor(private readonly views: ViewsService) {}

  configure(consumer: MiddlewareConsumer): void {
    const refuse = (request: WebRequest, response: Parameters<ViewsService['send']>[1]) => {
      request.language = languageOf(
        readCookie(request, LANGUAGE_COOKIE),
        request.headers['accept-language'],
      );
      const page = {
        status: 429,
        title: 'error.bad.title',
        body: 'login.tooMany',
        action: { href: '/app/login', label: 'login.title' },
      };
      void this.views.send(request, response, 'error', { page, title: page.title }, 429);
    };
    consumer
      .apply(loginLimiter(refuse))
      .forRoutes({ path: 'app/login', method: RequestMethod.POST });
  }
}
