/** Strings of the live area (the live chapter page). */
export const en = {
  'live.presence.one': '1 reading this chapter now',
  'live.presence.other': '{count} reading this chapter now',
  'live.lost': 'Live updates stopped. The page still works; reload it to see the latest.',
  'live.reload': 'Reload',
  'live.refused.member_cap': 'You have too many live pages open. This page still works; reload it to see the latest.',
  'live.refused.busy': 'Live updates are busy right now. This page still works; reload it to see the latest.',
} as const;

export const ko: Record<keyof typeof en, string> = {
  'live.presence.one': '지금 1명이 이 장을 읽고 있어요',
  'live.presence.other': '지금 {count}명이 이 장을 읽고 있어요',
  'live.lost': '실시간 업데이트가 멈췄어요. 페이지는 그대로 쓸 수 있고, 새로고침하면 최신 내용을 볼 수 있어요.',
  'live.reload': '새로고침',
  'live.refused.member_cap': '실시간 페이지를 너무 많이 열었어요. 이 페이지는 그대로 쓸 수 있고, 새로고침하면 최신 내용을 볼 수 있어요.',
  'live.refused.busy': '지금은 실시간 업데이트가 바빠요. 이 페이지는 그대로 쓸 수 있고, 새로고침하면 최신 내용을 볼 수 있어요.',
};
