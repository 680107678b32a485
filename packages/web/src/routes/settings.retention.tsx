import { createFileRoute } from '@tanstack/react-router';
import { RetentionSection } from '@/features/settings/retention-section';

export const Route = createFileRoute('/settings/retention')({ component: RetentionSection });
