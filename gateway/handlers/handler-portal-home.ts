import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from '../http/send-page.js';
import { requireStaffPage } from '../http/staff-page.js';
import { wantsJson } from '../http/request-kind.js';
import { esc } from '../pages/layout.js';
import { areasOf, PORTAL_PATH } from '../pages/portal-menu.js';
import type { Runtime } from '../runtime.js';

const words = {
  title: { ja: 'スタッフポータル', en: 'Staff portal' },
  intro: { ja: 'あなたの役割で利用できる機能です。', en: 'What your roles let you do.' },
  analyst: { ja: '解析環境へ', en: 'Go to the workspace' },
  none: { ja: 'スタッフの役割がありません。', en: 'You have no staff role.' },
  soon: { ja: '画面は準備中です。hic コマンドと API で利用できます', en: 'pages not built yet: use the hic command or the API' },
};

/**
 * The staff portal at /_hic/ (and /_hic): the areas of the person's roles with what each offers. Browsers get
 * the page, scripts get `{user, roles, areas:[{role, path}]}`. The header carries user, time and logout.
 */
export function registerPortalHome(app: FastifyInstance, rt: Runtime): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const ok = await requireStaffPage(rt, req, reply, [], 'portal.view');
    if (!ok) return reply;
    const { staff, lang, render } = ok;
    const areas = areasOf(staff.roles);
    if (wantsJson(req.url, req.headers)) {
      return reply
        .header('cache-control', 'no-store')
        .send({ user: staff.user, roles: staff.roles, areas: areas.map((a) => ({ role: a.role, path: a.ready ? a.path : null })) });
    }
    const list =
      areas.length === 0
        ? `<p>${words.none[lang]}</p>`
        : `<ul class="areas">${areas.map((a) => `<li>${a.ready ? `<a href="${esc(a.path)}">${esc(a.label[lang])}</a>` : `${esc(a.label[lang])}（${words.soon[lang]}）`} — ${esc(a.does[lang])}</li>`).join('')}</ul>`;
    const analyst = staff.roles.includes('analyst') ? `<p><a href="/">${words.analyst[lang]}</a></p>` : '';
    return sendPage(
      reply,
      200,
      render(words.title[lang], `<h1>${words.title[lang]}</h1><p>${words.intro[lang]}</p>${list}${analyst}`, { path: PORTAL_PATH }),
    );
  };
  app.get(PORTAL_PATH, handler);
  app.get('/_hic', handler);
}
