/**
 * Turns anything thrown into the short, secret-free record the journal keeps: message, the Mendix
 * error code and hint when the API client gave one, and what to do next.
 */
import type { StepErrorInfo } from './types';
import { RefusedError } from './stepTypes';
import { DownloadUrlExpiredError } from '../mendix/transfer/transferErrors';
import { MendixOutcomeUnknownError } from '../mendix/api/errors';
import { describeError } from '../shared/errors';

export function stepErrorInfo(e: unknown): StepErrorInfo {
  if (e instanceof RefusedError) return { message: e.message, nextAction: e.nextAction };
  if (e instanceof MendixOutcomeUnknownError) {
    return { message: e.message, nextAction: 'run again: the engine looks the result up instead of repeating the call' };
  }
  if (e instanceof DownloadUrlExpiredError) return { message: e.message, nextAction: 'run again: a fresh download URL is requested' };
  if (e instanceof Error) {
    const d = describeError(e);
    const info: StepErrorInfo = { message: e.message };
    if (d.errorCode !== undefined) info.code = d.errorCode;
    if (d.hint !== undefined) info.hint = d.hint;
    info.nextAction = info.hint ?? 'fix the cause shown above, then run the migration again (finished steps are skipped)';
    return info;
  }
  return { message: String(e), nextAction: 'run the migration again' };
}
