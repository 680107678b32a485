import { createFileRoute } from '@tanstack/react-router';
import { MembersSection } from '@/features/settings/members-section';

export const Route = createFileRoute('/settings/members')({ component: MembersSection });
