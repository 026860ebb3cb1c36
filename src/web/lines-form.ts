import { LoadPlanResponse, PlanLoadDto } from '../plans/dto/load-plan.dto.js';
import { PlansService } from '../plans/plans.service.js';
import { FormFailure, FormRecorder } from './form-recorder.service.js';
import { field, FieldErrors, FormBody, validateAs } from './forms.js';
import { rowErrors, toDtoLines } from './lines.js';
import { WebRequest } from './web-request.js';

/** Draws a form of lines again, with what went wrong (or the load plan it was asked for). */
export type ShowLinesForm = (
  errors: FieldErrors,
  failure: FormFailure | null,
  status: number,
  plan?: LoadPlanResponse,
) => Promise<void>;

export interface LinesForm<D extends object, T> {
  request: WebRequest;
  body: FormBody;
  /** The form's lines as typed, row by row. */
  lines: Parameters<typeof toDtoLines>[0];
  /** The request the form makes, its lines given (the API's DTO checks it). */
  validate: (lines: ReturnType<typeof toDtoLines>['plain']) => ReturnType<typeof validateAs<D>>;
  record: (dto: D) => Promise<T>;
  show: ShowLinesForm;
}

/**
 * What every form of item and kit lines does when sent (a dispatch, a release order): "Plan the
 * load" shows the trucks the lines take and records nothing; a form with no line or an invalid
 * field is drawn again (400) with each message beside its row; otherwise it is recorded once,
 * however often the browser sends it, and what was recorded is returned (the caller redirects
 * to it); a refusal (409 shortages, 422) draws the form again with its failure.
 */
export async function submitLinesForm<D extends object, T>(
  form: LinesForm<D, T>,
  plans: PlansService,
  recorder: FormRecorder,
): Promise<{ body: T; replayed: boolean } | undefined> {
  const { plain, rowOf } = toDtoLines(form.lines);
  if (field(form.body, 'plan') && plain.length > 0) {
    await showPlan(form, plans, plain, rowOf);
    return undefined;
  }
  const result = await form.validate(plain);
  const errors = result.errors ? rowErrors(result.errors, rowOf) : {};
  if (plain.length === 0) errors.lines = ['form.noLines'];
  if (!result.dto || plain.length === 0) {
    await form.show(errors, null, 400);
    return undefined;
  }
  const dto = result.dto;
  try {
    return await recorder.once(form.request, form.body, dto, () => form.record(dto));
  } catch (error) {
    const failure = FormFailure.from(error);
    await form.show(failure.errors, failure, failure.status);
    return undefined;
  }
}

/** "Plan the load": the plan of the lines as typed, on the form; nothing is recorded. */
async function showPlan<D extends object, T>(
  form: LinesForm<D, T>,
  plans: PlansService,
  plain: object[],
  rowOf: number[],
): Promise<void> {
  const result = await validateAs(PlanLoadDto, { lines: plain });
  if (!result.dto) {
    await form.show(rowErrors(result.errors ?? {}, rowOf), null, 400);
    return;
  }
  try {
    await form.show({}, null, 200, await plans.plan(result.dto.lines));
  } catch (error) {
    const failure = FormFailure.from(error);
    await form.show(failure.errors, failure, failure.status);
  }
}
