import type { ComponentProps } from 'react';
import { cn } from '@/lib/cn';

export type BadgeTone = 'ok' | 'info' | 'warning' | 'error' | 'neutral' | 'running' | 'pending';

const TONES: Record<BadgeTone, string> = {
  ok: 'bg-green-50 text-green-800 ring-green-600/25',
  info: 'bg-blue-50 text-blue-800 ring-blue-600/25',
  warning: 'bg-amber-50 text-amber-900 ring-amber-600/30',
  error: 'bg-red-50 text-red-800 ring-red-600/25',
  neutral: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  running: 'bg-teal-50 text-teal-800 ring-teal-600/30',
  pending: 'bg-violet-50 text-violet-800 ring-violet-600/25',
};

export function Badge({
  tone = 'neutral',
  className,
  ...props
}: ComponentProps<'span'> & { tone?: BadgeTone }) {
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset',
        TONES[tone],
        className,
      )}
      {...props}
    />
  );
}
