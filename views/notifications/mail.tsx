/**
 * The HTML of notification mails: one notification, or a digest of several. Plain inline-free
 * markup (mail clients drop stylesheets unevenly); text is escaped by hono/jsx like every page.
 */
import type { FC } from 'hono/jsx';
import type { NotificationView } from '../../src/notifications';

export interface MailProps {
  lang: string;
  title: string;
  intro: string | null;
  items: (NotificationView & { url: string })[];
  openLabel: string;
  why: string;
  settingsLabel: string;
  settingsUrl: string;
  unsubscribeLabel: string;
  unsubscribeUrl: string;
}

export const NotificationMail: FC<MailProps> = (props) => (
  <html lang={props.lang}>
    <head>
      <meta charset="utf-8" />
      <title>{props.title}</title>
    </head>
    <body>
      <h1>{props.title}</h1>
      {props.intro && <p>{props.intro}</p>}
      <ul>
        {props.items.map((item) => (
          <li>
            <p>
              <strong>{item.text}</strong>
              {item.clubName && <> · {item.clubName}</>}
            </p>
            {item.excerpt && <blockquote>{item.excerpt}</blockquote>}
            <p>
              <a href={item.url}>{props.openLabel}</a> · <time datetime={item.timeIso}>{item.timeLabel}</time>
            </p>
          </li>
        ))}
      </ul>
      <hr />
      <p>
        <small>
          {props.why} <a href={props.settingsUrl}>{props.settingsLabel}</a> · <a href={props.unsubscribeUrl}>{props.unsubscribeLabel}</a>
        </small>
      </p>
    </body>
  </html>
);
