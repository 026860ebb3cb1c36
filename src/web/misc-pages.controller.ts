import { All, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { Anonymous, WebController } from './web-session.guard.js';

const ASSETS: Record<string, { type: string; body: Buffer }> = Object.fromEntries(
  [
    ['app.css', 'text/css; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
  ].map(([name, type]) => [
    name,
    { type, body: readFileSync(new URL(`./assets/${name}`, import.meta.url)) },
  ]),
);

/** The pages' one stylesheet and one script, as files (the CSP allows nothing inline). */
@WebController('assets')
@Anonymous()
export class AssetsController {
  @Get(':name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException();
    response
      .set({ 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=3600' })
      .send(asset.body);
  }
}

/** Any other path under /app: a page that says so. Registered last. */
@WebController()
export class NotFoundController {
  @All('*path')
  notFound(): never {
    throw new NotFoundException();
  }
}
