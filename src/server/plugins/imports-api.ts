import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CROSS_DEPARTMENT_ROLES } from '../../auth/roles.js';
import type { StaffPrincipal } from '../../auth/sessions.js';
import { assignCallback, assignEvenly, listAssignees } from '../../cases/callback-assignment.js';
import type { Db } from '../../db/client.js';
import { InvalidInput, PayloadTooLarge } from '../../errors.js';
import { createImport, importStatus, MAX_IMPORT_BYTES } from '../../imports/imports.js';
import { readSpreadsheet, SheetRefused } from '../../imports/spreadsheet.js';
import { AppError } from '../../errors.js';
import type { LiveUpdates } from './console/live.js';
import { requireRole, staffAuth } from './staff-auth.js';

export interface ImportsApiOptions {
  db: Db;
  live: LiveUpdates;
  now: () => Date;
}

/** Who may import: the roles that open cases on behalf of citizens and see every department (see open-on-behalf). */
const IMPORTERS: readonly StaffPrincipal['role'][] = CROSS_DEPARTMENT_ROLES;
/** Who shares call-backs out among the operators. */
const ASSIGNERS: readonly StaffPrincipal['role'][] = ['admin', 'coordinador'];

const Id = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const UserId = z.number().int().positive().max(2_147_483_647);

/**
 * Issue 17's import of the social-network spreadsheet and the assignment of call-backs. The file
 * is read whole before anything is stored (a file we cannot read, or without a header we
 * recognise, is refused and leaves nothing); the rows are then worked by the job queue.
 */
export const importsApiPlugin: FastifyPluginAsync<ImportsApiOptions> = async (plugin, { db, live, now }) => {
  plugin.register(async (authed) => {
    // Authentication runs on the request, before a byte of the upload is read.
    staffAuth(authed, db);
    await authed.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, parts: 12 } });
    const routes = authed.withTypeProvider<ZodTypeProvider>();

    // The file is read from the stream, not validated as a body; `consumes` tells the API's document.
    routes.post('/api/staff/imports', { schema: { consumes: ['multipart/form-data'] } }, async (request, reply) => {
      const staff = requireRole(request, IMPORTERS);
      let bytes: Buffer;
      let filename: string;
      try {
        const part = await request.file();
        if (!part) throw new InvalidInput('error.import_no_file');
        filename = part.filename || 'hoja';
        bytes = await part.toBuffer();
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'FST_REQ_FILE_TOO_LARGE') {
          // The rest of the upload would be read only to be thrown away.
          reply.header('connection', 'close');
          throw new PayloadTooLarge('error.import_too_large', { max: `${MAX_IMPORT_BYTES / 1024 / 1024} MB` });
        }
        if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new InvalidInput('error.import_no_file');
        throw error;
      }
      let sheet: Awaited<ReturnType<typeof readSpreadsheet>>;
      try {
        sheet = await readSpreadsheet(bytes);
      } catch (error) {
        if (!(error instanceof SheetRefused)) throw error;
        if (error.problem === 'no_header') throw new AppError('error.import_no_header', 422);
        throw new InvalidInput('error.import_not_spreadsheet');
      }
      const id = await createImport(db, { staff, filename, sheet, ip: request.ip }, now());
      return reply.status(202).send({ id });
    });

    routes.get('/api/staff/imports/:id', { schema: { params: Id } }, async (request, reply) => {
      requireRole(request, IMPORTERS);
      reply.header('cache-control', 'no-store');
      // Row numbers and reasons only: no citizen's data leaves here, so polling writes no audit lines.
      return importStatus(db, request.params.id);
    });

    /** Whom a call-back may be given to, for the Llamadas page's picker. */
    routes.get('/api/staff/callbacks/assignees', async (request) => {
      requireRole(request, ASSIGNERS);
      return { assignees: await listAssignees(db) };
    });

    routes.post(
      '/api/staff/callbacks/:id/assign',
      { schema: { params: Id, body: z.object({ staffUserId: UserId.nullable() }) } },
      async (request) => {
        const staff = requireRole(request, ASSIGNERS);
        const result = await assignCallback(db, staff, request.params.id, request.body.staffUserId, now());
        live.publish({ type: 'case.changed', caseId: result.caseId });
        return { callback: { id: result.callbackId, assignedTo: result.staffUserId } };
      },
    );

    routes.post(
      '/api/staff/callbacks/assign-evenly',
      { schema: { body: z.object({ callbackIds: z.array(z.number().int().positive()).max(5000).optional() }).default({}) } },
      async (request) => {
        const staff = requireRole(request, ASSIGNERS);
        const result = await assignEvenly(db, staff, now(), request.body.callbackIds);
        if (result.assigned.length > 0) live.publish({ type: 'changed' });
        return result;
      },
    );
  });
};
