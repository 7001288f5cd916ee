// @ts-check
// Administration: staff, departments and categories, each a table to edit in place and a form to add one.
import { api, field, guarded, h, ROLES, select, state, text, tr, TYPES } from './lib.js';
import { shell } from './shell.js';

/** @typedef {import('./types').Child} Child */
/** @typedef {import('./types').Department} Department */
/** @typedef {import('./types').Category} Category */
/** @typedef {import('./types').StaffUser} StaffUser */

/** @param {string[]} head keys under admin.* @param {Child} rows */
export function adminTable(head, rows) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'admin' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((k) => h('th', { scope: 'col' }, tr('admin.' + k))),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

/** A number from a form field, or null when it is empty. @param {string} value */
const numberOrNull = (value) => (value ? Number(value) : null);

const loadDepartments = async () => {
  /** @type {{ departments: Department[] }} */
  const { departments } = await api('GET', '/api/staff/admin/departments');
  return departments;
};

/** The (de)activate button. @param {boolean} active @param {() => unknown} onclick */
const toggle = (active, onclick) =>
  h('button', { type: 'button', class: 'secondary', onclick }, active ? tr('admin.deactivate') : tr('admin.activate'));

export async function usersView() {
  const status = h('div');
  const table = h('div');
  const departments = await loadDepartments();
  /** @type {(readonly [string | number, string])[]} */
  const deptOptions = [['', tr('admin.none')], ...departments.map((d) => /** @type {const} */ ([d.id, d.name]))];
  const roleOptions = ROLES.map((r) => /** @type {const} */ ([r, tr('role.' + r)]));
  /** @param {number | null} id */
  const deptName = (id) => departments.find((d) => d.id === id)?.name ?? '—';
  const create = h(
    'form',
    {
      class: 'panel',
      onsubmit: (e) => {
        e.preventDefault();
        const f = new FormData(create);
        guarded(status, async () => {
          await api('POST', '/api/staff/admin/users', {
            email: text(f, 'email'),
            name: text(f, 'name'),
            role: text(f, 'role'),
            password: text(f, 'password'),
            departmentId: numberOrNull(text(f, 'departmentId')),
          });
          create.reset();
          await state.refresh?.();
        });
      },
    },
    h('h3', {}, tr('admin.new')),
    h(
      'div',
      { class: 'grid2' },
      field(tr('admin.name'), h('input', { name: 'name', required: true })),
      field(tr('admin.email'), h('input', { name: 'email', type: 'email', required: true })),
      field(tr('admin.role'), select('role', roleOptions, 'operador')),
      field(tr('admin.department'), select('departmentId', deptOptions, '')),
      field(
        tr('admin.password'),
        h('input', { name: 'password', type: 'password', minlength: 10, required: true, autocomplete: 'new-password' }),
      ),
    ),
    h('button', { type: 'submit' }, tr('admin.create_user')),
  );
  shell('users', h('h2', {}, tr('admin.users')), status, table, create);
  state.refresh = async () => {
    /** @type {{ users: StaffUser[] }} */
    const { users } = await api('GET', '/api/staff/admin/users');
    /** @param {number} id @param {Record<string, unknown>} body */
    const patch = (id, body) =>
      guarded(status, async () => (await api('PATCH', `/api/staff/admin/users/${id}`, body), await state.refresh?.()));
    table.replaceChildren(
      adminTable(
        ['name', 'email', 'role', 'department', 'active', 'actions'],
        users.map((u) => {
          const role = select('role', roleOptions, u.role, { 'aria-label': `${tr('admin.role')} ${u.name}` });
          const dept = select('departmentId', deptOptions, u.departmentId ?? '', { 'aria-label': `${tr('admin.department')} ${u.name}` });
          const password = h('input', {
            type: 'password',
            minlength: 10,
            autocomplete: 'new-password',
            'aria-label': `${tr('admin.new_password')} ${u.name}`,
            placeholder: tr('admin.new_password'),
          });
          return h(
            'tr',
            {},
            h('td', {}, u.name),
            h('td', {}, u.email),
            h('td', {}, role),
            h('td', {}, dept, h('span', { class: 'sr-only' }, deptName(u.departmentId))),
            h('td', {}, u.active ? tr('admin.active') : tr('admin.inactive')),
            h(
              'td',
              {},
              h(
                'div',
                { class: 'row' },
                h(
                  'button',
                  { type: 'button', onclick: () => patch(u.id, { role: role.value, departmentId: numberOrNull(dept.value) }) },
                  tr('admin.save_user'),
                ),
                toggle(u.active, () => patch(u.id, { active: !u.active })),
              ),
              h(
                'div',
                { class: 'row' },
                password,
                h(
                  'button',
                  { type: 'button', class: 'secondary', onclick: () => password.value && patch(u.id, { password: password.value }) },
                  tr('admin.reset_password'),
                ),
              ),
            ),
          );
        }),
      ),
    );
  };
  await state.refresh();
}

export async function departmentsView() {
  const status = h('div');
  const table = h('div');
  const create = h(
    'form',
    {
      class: 'panel',
      onsubmit: (e) => {
        e.preventDefault();
        const f = new FormData(create);
        guarded(
          status,
          async () => (
            await api('POST', '/api/staff/admin/departments', {
              code: text(f, 'code'),
              name: text(f, 'name'),
              liaisonEmail: text(f, 'liaisonEmail'),
            }),
            create.reset(),
            (state.ref = null),
            await state.refresh?.()
          ),
        );
      },
    },
    h('h3', {}, tr('admin.new')),
    h(
      'div',
      { class: 'grid2' },
      field(tr('admin.code'), h('input', { name: 'code', required: true, pattern: '[a-z0-9-]{2,60}' })),
      field(tr('admin.name'), h('input', { name: 'name', required: true })),
      field(tr('admin.liaison'), h('input', { name: 'liaisonEmail', type: 'email' })),
    ),
    h('button', { type: 'submit' }, tr('admin.create_department')),
  );
  shell('departments', h('h2', {}, tr('admin.departments')), status, table, create);
  state.refresh = async () => {
    const departments = await loadDepartments();
    table.replaceChildren(
      adminTable(
        ['code', 'name', 'liaison', 'active', 'actions'],
        departments.map((d) => {
          const name = h('input', { value: d.name, 'aria-label': `${tr('admin.name')} ${d.code}` });
          const liaison = h('input', { type: 'email', value: d.liaisonEmail ?? '', 'aria-label': `${tr('admin.liaison')} ${d.code}` });
          /** @param {Record<string, unknown>} body */
          const patch = (body) =>
            guarded(
              status,
              async () => (await api('PATCH', `/api/staff/admin/departments/${d.id}`, body), (state.ref = null), await state.refresh?.()),
            );
          return h(
            'tr',
            {},
            h('td', {}, d.code),
            h('td', {}, name),
            h('td', {}, liaison),
            h('td', {}, d.active ? tr('admin.active') : tr('admin.inactive')),
            h(
              'td',
              {},
              h(
                'div',
                { class: 'row' },
                h(
                  'button',
                  { type: 'button', onclick: () => patch({ name: name.value, liaisonEmail: liaison.value }) },
                  tr('admin.save_department'),
                ),
                toggle(d.active, () => patch({ active: !d.active })),
              ),
            ),
          );
        }),
      ),
    );
  };
  await state.refresh();
}

export async function categoriesView() {
  const status = h('div');
  const table = h('div');
  const departments = await loadDepartments();
  const deptOptions = departments.map((d) => /** @type {const} */ ([d.id, d.name]));
  /** @type {(readonly [string, string])[]} */
  const typeOptions = [['', tr('admin.none')], ...TYPES.map((t) => /** @type {const} */ ([t, tr('type.' + t)]))];
  /** @type {(readonly [string, string])[]} */
  const unitOptions = [
    ['calendar', tr('deadline.unit.calendar')],
    ['business', tr('deadline.unit.business')],
  ];
  const create = h(
    'form',
    {
      class: 'panel',
      onsubmit: (e) => {
        e.preventDefault();
        const f = new FormData(create);
        guarded(status, async () => {
          await api('POST', '/api/staff/admin/categories', {
            code: text(f, 'code'),
            name: text(f, 'name'),
            departmentId: Number(text(f, 'departmentId')),
            defaultType: text(f, 'defaultType') || null,
            dueDays: numberOrNull(text(f, 'dueDays')),
            dueUnit: text(f, 'dueUnit') || null,
            clusterRadiusM: numberOrNull(text(f, 'clusterRadiusM')),
          });
          create.reset();
          state.ref = null;
          await state.refresh?.();
        });
      },
    },
    h('h3', {}, tr('admin.new')),
    h(
      'div',
      { class: 'grid2' },
      field(tr('admin.code'), h('input', { name: 'code', required: true, pattern: '[a-z0-9-]{2,60}' })),
      field(tr('admin.name'), h('input', { name: 'name', required: true })),
      field(tr('admin.department'), select('departmentId', deptOptions, '')),
      field(tr('admin.default_type'), select('defaultType', typeOptions, '')),
      field(tr('admin.due_days'), h('input', { name: 'dueDays', type: 'number', min: 1, max: 365 })),
      field(tr('admin.due_unit'), select('dueUnit', unitOptions, '')),
      field(tr('admin.cluster_radius'), h('input', { name: 'clusterRadiusM', type: 'number', min: 1, max: 5000 })),
    ),
    h('button', { type: 'submit' }, tr('admin.create_category')),
  );
  shell('categories', h('h2', {}, tr('admin.categories')), status, table, create);
  state.refresh = async () => {
    /** @type {{ categories: Category[] }} */
    const { categories } = await api('GET', '/api/staff/admin/categories');
    table.replaceChildren(
      adminTable(
        ['code', 'name', 'department', 'default_type', 'due_days', 'cluster_radius', 'actions'],
        categories.map((c) => {
          const name = h('input', { value: c.name, 'aria-label': `${tr('admin.name')} ${c.code}` });
          const dept = select('departmentId', deptOptions, c.departmentId, { 'aria-label': `${tr('admin.department')} ${c.code}` });
          const type = select('defaultType', typeOptions, c.defaultType ?? '', { 'aria-label': `${tr('admin.default_type')} ${c.code}` });
          const due = h('input', {
            type: 'number',
            min: 1,
            max: 365,
            value: c.dueDays ?? '',
            'aria-label': `${tr('admin.due_days')} ${c.code}`,
          });
          const unit = select('dueUnit', unitOptions, c.dueUnit ?? 'calendar', { 'aria-label': `${tr('admin.due_unit')} ${c.code}` });
          const radius = h('input', {
            type: 'number',
            min: 1,
            max: 5000,
            value: c.clusterRadiusM ?? '',
            placeholder: tr('admin.cluster_radius_default'),
            'aria-label': `${tr('admin.cluster_radius')} ${c.code}`,
          });
          /** @param {Record<string, unknown>} body */
          const patch = (body) =>
            guarded(
              status,
              async () => (await api('PATCH', `/api/staff/admin/categories/${c.id}`, body), (state.ref = null), await state.refresh?.()),
            );
          return h(
            'tr',
            {},
            h('td', {}, c.code),
            h('td', {}, name),
            h('td', {}, dept),
            h('td', {}, type),
            h('td', {}, due, ' ', unit),
            h('td', {}, radius),
            h(
              'td',
              {},
              h(
                'div',
                { class: 'row' },
                h(
                  'button',
                  {
                    type: 'button',
                    onclick: () =>
                      patch({
                        name: name.value,
                        departmentId: Number(dept.value),
                        defaultType: type.value || null,
                        dueDays: numberOrNull(due.value),
                        dueUnit: unit.value,
                        clusterRadiusM: numberOrNull(radius.value),
                      }),
                  },
                  tr('admin.save_category'),
                ),
                toggle(c.active, () => patch({ active: !c.active })),
              ),
            ),
          );
        }),
      ),
    );
  };
  await state.refresh();
}
