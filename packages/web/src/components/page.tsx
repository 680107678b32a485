import type { ReactNode } from 'react';

/** A screen's frame: title, a line saying what it shows, then its content filling the height. */
export function Page({
  title,
  description,
  actions,
  scroll = false,
  children,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  /** The whole page scrolls (a header above a list) instead of the list alone. */
  scroll?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={`flex min-h-0 flex-1 flex-col gap-3 px-5 pt-4 pb-4 ${scroll ? 'overflow-auto' : ''}`}>
      <div className="flex items-start justify-between gap-4">
        <div>
          <h1 className="text-lg font-semibold tracking-tight">{title}</h1>
          {description !== undefined && <p className="text-sm text-muted-foreground">{description}</p>}
        </div>
        {actions}
      </div>
      {children}
    </div>
  );
}
