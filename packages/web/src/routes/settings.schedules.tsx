import { createFileRoute } from '@tanstack/react-router';
import { SchedulesSection } from '@/features/settings/schedules-section';

export const Route = createFileRoute('/settings/schedules')({ component: SchedulesSection });
