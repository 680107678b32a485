import { AppError } from './errors.js';

/** Bodies are read as UTF-8; one declared in another charset would be misread, so it is refused. */
export function refuseForeignCharset(contentType: string | undefined) {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new AppError(
      'unsupported_media_type',
      `Content-Type ${contentType ?? ''} declares charset ${charset}; send the body as UTF-8 (charset=utf-8, or no charset).`,
    );
  }
}
