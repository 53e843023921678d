/**
 * The one zod our code imports (`import * as z from '…/shared/zod'`): `zod/mini`, the functional API
 * that bundles to a fraction of classic zod, with English issue messages, which mini does not load by
 * itself. The messages reach users in "the response did not match" and "damaged journal" errors.
 * Re-exported with `export *` so the bundler still drops the parts nobody uses.
 */
/* eslint-disable no-restricted-imports -- the one place zod/mini is imported and configured */
import { config } from 'zod/mini';
import { en } from 'zod/v4/locales';

config(en());

export * from 'zod/mini';
