import { Pause, Play } from 'lucide-react';
import { liveState, useLive } from '@/api/live';
import { Button } from './ui/button';

/** Pauses the arrival of new rows at the top of the lists (rows already shown still update). */
export function LiveToggle() {
  const { paused, connected } = useLive();
  return (
    <Button
      variant="outline"
      size="sm"
      aria-pressed={paused}
      onClick={() => liveState.set({ paused: !paused })}
      title={connected ? 'Receiving live updates' : 'Live updates are reconnecting'}
    >
      {paused ? <Play aria-hidden /> : <Pause aria-hidden />}
      <span className={connected && !paused ? 'text-green-700' : 'text-muted-foreground'}>●</span>
      {paused ? 'Resume live' : 'Live'}
    </Button>
  );
}
