import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { CASE_TYPES, type CaseType, FINAL_STATUSES } from '../cases/case-type.js';
import { recordCaseEvent } from '../cases/events.js';
import { openOfflineCase } from '../cases/open-on-behalf.js';
import type { CaseSettings } from '../cases/open-case.js';
import { statusInWords } from '../cases/public-case.js';
import type { Db, Executor } from '../db/client.js';
import { caseEvents, cases, categories, departments } from '../db/schema.js';
import { type Locale, t } from '../i18n/index.js';
import type { Filed, Service, ServiceDefinition, ServiceRequest } from './georeport.js';
import { touchKey } from './api-keys.js';

/**
 * Ventanilla's categories as Open311 services, and its cases as service requests. What is public
 * is decided here, once: only cases of the public types are listed, and a request shows the
 * category, the department, the dates, the status in words and, for a report, the reported
 * place. Never the citizen (name, phone, email), nor the description, which citizens write in
 * their own words and often sign.
 */
export interface Open311Settings {
  locale: Locale;
  /** The case types listed publicly (OPEN311_PUBLIC_TYPES); complaints often concern people, so by default only reports. */
  publicTypes: readonly CaseType[];
  /** The most requests one GET requests answers with (the spec's suggested cap is 1,000). */
  maxRequests: number;
}

const TYPE_ATTRIBUTE = 'tipo';

export async function listServices(ex: Executor, settings: Open311Settings): Promise<Service[]> {
  const rows = await ex
    .select({ code: categories.code, name: categories.name, department: departments.name })
    .from(categories)
    .innerJoin(departments, eq(departments.id, categories.departmentId))
    .where(eq(categories.active, true))
    .orderBy(asc(departments.name), asc(categories.name));
  return rows.map((r) => ({
    service_code: r.code,
    service_name: r.name,
    description: t(settings.locale, 'open311.service_description', { service: r.name, department: r.department }),
    metadata: true,
    type: 'realtime',
    keywords: '',
    group: r.department,
  }));
}

/** The one attribute every service takes: the kind of request (a report by default). */
export async function serviceDefinition(ex: Executor, code: string, settings: Open311Settings): Promise<ServiceDefinition | null> {
  const [category] = await ex
    .select({ code: categories.code })
    .from(categories)
    .where(and(eq(categories.code, code), eq(categories.active, true)))
    .limit(1);
  if (!category) return null;
  return {
    service_code: category.code,
    attributes: [
      {
        variable: true,
        code: TYPE_ATTRIBUTE,
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: t(settings.locale, 'open311.type_attribute_help'),
        order: 1,
        description: t(settings.locale, 'open311.type_attribute'),
        values: CASE_TYPES.map((type) => ({ key: type, name: t(settings.locale, `open311.type.${type}`) })),
      },
    ],
  };
}

export interface RequestQuery {
  ids?: readonly string[] | undefined;
  serviceCode?: string | undefined;
  start?: Date | undefined;
  end?: Date | undefined;
  status?: ReadonlyArray<'open' | 'closed'> | undefined;
}

const DAY_MS = 86_400_000;

/** Requests newest first: by default those of the last 90 days, at most `maxRequests`. */
export async function listRequests(ex: Executor, query: RequestQuery, settings: Open311Settings, now: Date): Promise<ServiceRequest[]> {
  const where: Array<SQL | undefined> = [inArray(cases.type, [...settings.publicTypes])];
  if (query.ids?.length) where.push(inArray(cases.folio, [...query.ids]));
  else {
    const end = query.end ?? now;
    where.push(gte(cases.createdAt, query.start ?? new Date(end.getTime() - 90 * DAY_MS)), lte(cases.createdAt, end));
  }
  if (query.serviceCode) where.push(eq(categories.code, query.serviceCode));
  const statuses = new Set(query.status ?? []);
  if (statuses.size === 1)
    where.push(statuses.has('closed') ? inArray(cases.status, [...FINAL_STATUSES]) : notIn(cases.status, FINAL_STATUSES));
  const rows = await ex
    .select({
      folio: cases.folio,
      status: cases.status,
      type: cases.type,
      address: cases.address,
      latitude: cases.latitude,
      longitude: cases.longitude,
      createdAt: cases.createdAt,
      updatedAt: cases.updatedAt,
      dueAt: cases.dueAt,
      code: categories.code,
      service: categories.name,
      department: departments.name,
    })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(departments, eq(departments.id, cases.departmentId))
    .where(and(...where))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(settings.maxRequests);
  return rows.map((r) => {
    const closed = (FINAL_STATUSES as readonly string[]).includes(r.status);
    // The place of a report is where the problem is; for any other type it may be the citizen's home.
    const place = r.type === 'reporte';
    return {
      service_request_id: r.folio,
      status: closed ? 'closed' : 'open',
      status_notes: statusInWords(settings.locale, r.status, r.department),
      service_name: r.service,
      service_code: r.code,
      description: null,
      agency_responsible: r.department,
      service_notice: null,
      requested_datetime: r.createdAt.toISOString(),
      updated_datetime: r.updatedAt.toISOString(),
      expected_datetime: r.dueAt.toISOString(),
      address: place ? r.address : null,
      address_id: null,
      zipcode: null,
      lat: place ? r.latitude : null,
      long: place ? r.longitude : null,
      media_url: null,
    };
  });
}

function notIn(column: typeof cases.status, values: readonly string[]): SQL {
  return and(...values.map((v) => sql`${column} <> ${v}`))!;
}

export interface NewRequest {
  serviceCode: string;
  type?: CaseType | undefined;
  description?: string | undefined;
  address?: string | undefined;
  lat?: number | undefined;
  long?: number | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  name?: string | undefined;
  accountId?: string | undefined;
}

/**
 * Files a request as a case, as staff open one for a caller: the same opening (classification of
 * the department by the category, folio, term, routing sheet), the app's key named in the history.
 */
export async function fileRequest(
  db: Db,
  key: { id: number; name: string },
  request: NewRequest,
  settings: Open311Settings & { cases: CaseSettings },
  now: Date,
): Promise<Filed | null> {
  return db.transaction(async (tx) => {
    const [category] = await tx
      .select({ code: categories.code, name: categories.name, defaultType: categories.defaultType })
      .from(categories)
      .where(and(eq(categories.code, request.serviceCode), eq(categories.active, true)))
      .limit(1);
    if (!category) return null;
    const opened = await openOfflineCase(
      tx,
      { kind: 'citizen' },
      {
        channel: 'open311',
        type: request.type ?? category.defaultType ?? 'reporte',
        category: category.code,
        description: request.description?.trim() || category.name,
        address: request.address,
        latitude: request.lat,
        longitude: request.long,
        name: request.name,
        phone: request.phone,
        email: request.email,
      },
      settings.cases,
      now,
    );
    const token = randomUUID();
    await recordCaseEvent(
      tx,
      opened.case.id,
      'case.filed_by_app',
      { kind: 'citizen' },
      { keyId: key.id, app: key.name, token, accountId: request.accountId ?? null, serviceCode: category.code },
      now,
    );
    await touchKey(tx, key.id, now);
    return {
      service_request_id: opened.case.folio,
      token,
      service_notice: [
        t(settings.locale, 'open311.filed_notice', { folio: opened.case.folio, department: opened.departmentName }),
        opened.cluster && t(settings.locale, 'open311.joined_notice', { parentFolio: opened.cluster.parentFolio }),
      ]
        .filter(Boolean)
        .join(' '),
      account_id: request.accountId ?? null,
    };
  });
}

/** The request a token stands for (filed through this API). */
export async function requestOfToken(ex: Executor, token: string): Promise<string | null> {
  const [row] = await ex
    .select({ folio: cases.folio })
    .from(caseEvents)
    .innerJoin(cases, eq(cases.id, caseEvents.caseId))
    .where(and(eq(caseEvents.type, 'case.filed_by_app'), sql`${caseEvents.data}->>'token' = ${token}`))
    .limit(1);
  return row?.folio ?? null;
}
