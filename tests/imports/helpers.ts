import ExcelJS from 'exceljs';
import type { TestApp } from '../helpers/app.js';
import { ADMIN } from '../helpers/app.js';

/** A multipart/form-data body with one file in the field `file`, as a browser's form sends it. */
export function multipart(filename: string, bytes: Uint8Array, contentType = 'application/octet-stream') {
  const boundary = `----ventanilla${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, Buffer.from(bytes), tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** An .xlsx built with exceljs: `rows` as they go on the sheet, from row 1. */
export async function xlsx(rows: unknown[][]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Solicitudes');
  for (const row of rows) sheet.addRow(row);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

export async function signIn(app: TestApp, email = ADMIN.email, password = ADMIN.password) {
  const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: { email, password } });
  if (login.statusCode !== 200) throw new Error(`login ${email}: ${login.body}`);
  const headers = { cookie: String(login.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': login.json().csrfToken as string };
  return {
    id: login.json().user.id as number,
    post: (url: string, payload: object) => app.app.inject({ method: 'POST', url, payload, headers }),
    get: (url: string) => app.app.inject({ method: 'GET', url, headers }),
    upload: (filename: string, bytes: Uint8Array) => {
      const body = multipart(filename, bytes);
      return app.app.inject({
        method: 'POST',
        url: '/api/staff/imports',
        payload: body.payload,
        headers: { ...headers, 'content-type': body.contentType },
      });
    },
  };
}

export type Session = Awaited<ReturnType<typeof signIn>>;

/** Creates a staff account through the admin API and signs it in. */
export async function staffMember(app: TestApp, admin: Session, role: string, email: string, departmentId: number | null = null) {
  const password = 'contraseña-larga-123';
  const created = await admin.post('/api/staff/admin/users', { email, name: email.split('@')[0], role, departmentId, password });
  if (created.statusCode !== 200) throw new Error(created.body);
  return signIn(app, email, password);
}
