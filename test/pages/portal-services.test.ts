/** /account/services without a browser: sign-in, refusals and re-rendered errors. */
import { describe, expect, it } from '@jest/globals';
import { createMember, seedDirectory } from '../helpers/admin.js';
import { useTestInstance } from '../helpers/app.js';
import { PASSWORD } from '../helpers/fixtures.js';
import { csrfFrom, HttpAgent, submitLoginForm } from '../helpers/http-agent.js';

const t = useTestInstance();

async function setup() {
  const dir = await seedDirectory(t.runtime);
  const student = await createMember(t.runtime, {
    username: 'student-a',
    schoolId: dir.schoolA,
    identityType: 'student',
  });
  const [open, teachers] = await t.runtime
    .db('services')
    .insert([
      { name_zh: '雲端硬碟', go_url: 'https://cloud.example.edu.tw/', sort_order: 1 },
      { name_zh: '教師專區', identity_types: ['teacher'], sort_order: 2 },
    ])
    .returning('id');
  const agent = new HttpAgent(t.issuer);
  const login = await agent.follow('/account/services');
  expect(login.url).toMatch(/\/interaction\//);
  const page = await submitLoginForm(agent, login.body, 'student-a', PASSWORD);
  expect(page.url).toBe(`${t.issuer}/account/services`);
  return { agent, page, student, openId: open.id as string, teachersId: teachers.id as string };
}

describe('/account/services', () => {
  it('lists only the services the account may use, with 啟用 forms carrying CSRF', async () => {
    const { page } = await setup();
    expect(page.status).toBe(200);
    expect(page.body).toContain('雲端硬碟');
    expect(page.body).not.toContain('教師專區');
    expect(page.body).toMatch(
      /<form class="service-card__form" method="post" action="\/account\/services\/[^"]+\/activate"><input type="hidden" name="csrf"/,
    );
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('refuses a service the account may not use with the message, and a POST without CSRF', async () => {
    const { agent, page, student, teachersId, openId } = await setup();
    const refused = await agent.request(`/account/services/${teachersId}/activate`, {
      form: { csrf: csrfFrom(page.body) },
    });
    expect(refused.status).toBe(404);
    expect(refused.body).toContain('您的帳號無法使用這個服務。');
    expect(refused.body).toContain('雲端硬碟');
    const forged = await agent.request(`/account/services/${openId}/activate`, { form: { csrf: 'x' } });
    expect(forged.status).toBe(403);
    expect(await t.runtime.db('service_activations').where({ account_id: student.id })).toHaveLength(0);
  });

  it('sends the confirmation page of an inactive service back to the list', async () => {
    const { agent, openId } = await setup();
    const res = await agent.request(`/account/services/${openId}/deactivate`);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${t.issuer}/account/services`);
  });

  it('asks an unsigned visitor to sign in, and refuses an unsigned POST', async () => {
    await setup();
    const stranger = new HttpAgent(t.issuer);
    const res = await stranger.request('/account/services');
    expect(res.status).toBe(302);
    expect(new URL(res.location!).pathname).toBe('/oidc/v1/azp');
    expect(new URL(res.location!).searchParams.get('client_id')).toBe('edu-idp-account');
    const post = await stranger.request('/account/services/00000000-0000-4000-8000-000000000000/activate', {
      form: { csrf: csrfFrom((await stranger.request('/apply')).body) },
    });
    // no session: the page starts the sign-in instead of doing anything
    expect(post.status).toBe(302);
    expect(await t.runtime.db('service_activations')).toHaveLength(0);
  });
});
