/** The CSV export: Excel-friendly bytes, anonymity respected, formulas neutralised, visibility enforced. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signUp } from '../../helpers/app';
import { addMemberRow, userIdOf } from '../../helpers/fixtures';
import { createPoll, makeRoom, optionIdsOf, type PollRoom } from './room';

let room: PollRoom;
beforeEach(async () => {
  room = await makeRoom();
});
afterEach(() => room.app.close());

const csvPath = (id: number) => `/clubs/${room.clubId}/polls/${id}/results.csv`;

async function bytesOf(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

/** Decodes keeping the BOM, then reads RFC 4180 rows. */
function parse(bytes: Uint8Array): string[][] {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('CSV export', () => {
  it('anonymous single choice: counts only, UTF-8 with BOM, as an attachment', async () => {
    const id = await createPoll(room.moderator, room.clubId, { option_1: '한강의 소설', option_2: 'Pachinko, again', option_3: 'Say "yes"' });
    const [a, b] = await optionIdsOf(room, id);
    await room.members[0].post(`/clubs/${room.clubId}/polls/${id}/vote`, { choice: a! });
    await room.members[1].post(`/clubs/${room.clubId}/polls/${id}/vote`, { choice: a! });
    await room.members[2].post(`/clubs/${room.clubId}/polls/${id}/vote`, { choice: b! });
    const response = await room.moderator.get(csvPath(id));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="poll-${id}-results.csv"`);
    const bytes = await bytesOf(response);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const raw = new TextDecoder().decode(bytes);
    expect(raw).toContain('"Pachinko, again"');
    expect(raw).toContain('"Say ""yes"""');
    expect(parse(bytes)).toEqual([
      ['Option', 'Votes', 'Percent'],
      ['한강의 소설', '2', '66.7'],
      ['Pachinko, again', '1', '33.3'],
      ['Say "yes"', '0', '0'],
    ]);
    expect(raw).not.toMatch(/Minji|Jisoo|Arthur/);
  });

  it('public polls list each voter’s display name and choices', async () => {
    const id = await createPoll(room.moderator, room.clubId, { voters: 'public', kind: 'ranked' });
    const [a, b, c] = await optionIdsOf(room, id);
    await room.members[0].post(`/clubs/${room.clubId}/polls/${id}/vote`, { [`rank_${b}`]: '1', [`rank_${a}`]: '2' });
    await room.members[1].post(`/clubs/${room.clubId}/polls/${id}/vote`, { [`rank_${c}`]: '1' });
    const rows = parse(await bytesOf(await room.members[0].get(csvPath(id))));
    expect(rows).toEqual([
      ['Voter', 'Option', 'Rank'],
      ['Jisoo', 'The third evening', '1'],
      ['Minji 민지', 'The second evening', '1'],
      ['Minji 민지', 'The first evening', '2'],
    ]);
  });

  it('anonymous ranked polls export the rounds with eliminations and exhausted ballots', async () => {
    const id = await createPoll(room.moderator, room.clubId, { kind: 'ranked' });
    const [a, b, c] = await optionIdsOf(room, id);
    await room.members[0].post(`/clubs/${room.clubId}/polls/${id}/vote`, { [`rank_${a}`]: '1' });
    await room.members[1].post(`/clubs/${room.clubId}/polls/${id}/vote`, { [`rank_${b}`]: '1', [`rank_${a}`]: '2' });
    await room.members[2].post(`/clubs/${room.clubId}/polls/${id}/vote`, { [`rank_${c}`]: '1' });
    await room.moderator.post(`/clubs/${room.clubId}/polls/${id}/vote`, { [`rank_${a}`]: '1' });
    const rows = parse(await bytesOf(await room.moderator.get(csvPath(id))));
    // R1: a 2, b 1, c 1 of 4 → b and c tie for fewest and both go. R2: a 3 of 3 active → wins; 1 exhausted.
    expect(rows).toEqual([
      ['Round', 'Option', 'Votes', 'Percent', 'Result'],
      ['1', 'The first evening', '2', '50', ''],
      ['1', 'The second evening', '1', '25', 'Eliminated'],
      ['1', 'The third evening', '1', '25', 'Eliminated'],
      ['1', 'Exhausted ballots', '0', '', ''],
      ['2', 'The first evening', '3', '100', 'Winner'],
      ['2', 'Exhausted ballots', '1', '', ''],
    ]);
  });

  it('neutralises spreadsheet formulas in option labels and display names', async () => {
    const evil = await signUp(room.app, 'evil', { displayName: '=HYPERLINK("http://x")' });
    await addMemberRow(room.app, room.clubId, await userIdOf(room.app, 'evil'));
    const id = await createPoll(room.moderator, room.clubId, { voters: 'public', option_1: '=1+1', option_2: '+SUM(A1)', option_3: '-2', option_4: '@cmd' });
    const [a, b] = await optionIdsOf(room, id);
    await evil.post(`/clubs/${room.clubId}/polls/${id}/vote`, { choice: a! });
    await room.members[0].post(`/clubs/${room.clubId}/polls/${id}/vote`, { choice: b! });
    const raw = new TextDecoder().decode(await bytesOf(await room.moderator.get(csvPath(id))));
    expect(raw).toContain(`"'=HYPERLINK(""http://x"")",'=1+1,`);
    expect(raw).toContain(`'+SUM(A1)`);
    for (const line of raw.replace('\uFEFF', '').split('\r\n')) for (const cell of line.split(',')) expect(cell).not.toMatch(/^"?[=+\-@]/);

    const anonymous = await createPoll(room.moderator, room.clubId, { option_1: '=1+1', option_2: '-2', option_3: '@cmd' });
    const raw2 = new TextDecoder().decode(await bytesOf(await room.moderator.get(csvPath(anonymous))));
    expect(raw2).toContain(`'=1+1,0,0`);
    expect(raw2).toContain(`'-2,0,0`);
    expect(raw2).toContain(`'@cmd,0,0`);
  });

  it('uses the reader’s language for headers', async () => {
    room.members[0].acceptLanguage = 'ko';
    const id = await createPoll(room.moderator, room.clubId);
    const rows = parse(await bytesOf(await room.members[0].get(csvPath(id))));
    expect(rows[0]).toEqual(['선택지', '표 수', '비율(%)']);
  });

  it('is refused while results are hidden from the reader, even to moderators', async () => {
    const id = await createPoll(room.moderator, room.clubId, { resultsVisibility: 'after_close', voters: 'public' });
    const [a] = await optionIdsOf(room, id);
    await room.members[0].post(`/clubs/${room.clubId}/polls/${id}/vote`, { choice: a! });
    for (const client of [room.members[0], room.members[1], room.moderator, room.owner]) {
      const response = await client.get(csvPath(id));
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).not.toContain('text/csv');
      expect(await response.text()).toContain('The results of this poll are not visible to you yet.');
    }
    await room.moderator.post(`/clubs/${room.clubId}/polls/${id}/close`, {});
    expect((await room.members[1].get(csvPath(id))).status).toBe(200);
  });
});
