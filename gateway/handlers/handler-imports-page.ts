import type { FastifyInstance } from 'fastify';
import { csrfField, csrfToken } from '../http/csrf.js';
import { page } from '../pages/layout.js';
import { tt } from '../pages/transfer-text.js';
import type { Runtime } from '../runtime.js';
import { pageSession } from './handler-exports-pages.js';
import { html, langOf } from './page-helpers.js';

/**
 * The analyst's import page: a multipart form to `POST /_hic/api/imports` with the page's CSRF token (that handler
 * checks the token when a form sends one, and answers a form with a redirect to the request's page).
 */
export function registerImportPage(app: FastifyInstance, rt: Runtime): void {
  app.get('/_hic/imports/new', async (req, reply) => {
    const s = await pageSession(rt, req, reply, 'analyst', 'import.page');
    if (!s) return reply;
    const lang = langOf(req);
    const body = `<h1>${tt.importHeading[lang]}</h1><p>${tt.importIntro[lang]}</p>
<form method="post" action="/_hic/api/imports" enctype="multipart/form-data">${csrfField(csrfToken(req, reply))}
<label for="purpose">${tt.purpose[lang]}</label><textarea id="purpose" name="purpose" rows="3" maxlength="2000" required></textarea>
<label for="target">${tt.target[lang]}</label><input type="text" id="target" name="target" required placeholder="masters/table.csv">
<label for="file">${tt.file[lang]}</label><input type="file" id="file" name="file" required>
<button type="submit">${tt.submit[lang]}</button></form><p><a href="/_hic/exports">${tt.myRequests[lang]}</a></p>`;
    return html(reply, 200, page(lang, tt.importHeading[lang], body, { user: s.user, path: '/_hic/imports/new' }));
  });
}
