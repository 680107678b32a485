import type { ComponentProps } from 'react';
import { cn } from '@/lib/cn';

export function Textarea({ className, ...props }: ComponentProps<'textarea'>) {
  return (
    <textarea
      className={cn(
        'min-h-24 w-full rounded-md border border-input bg-background px-2.5 py-2 font-mono text-xs leading-relaxed placeholder:text-muted-foreground focus-visible:outline-2 disabled:opacity-50',
        className,
      )}
      {...props}
    />
  );
}
