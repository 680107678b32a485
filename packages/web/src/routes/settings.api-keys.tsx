import { createFileRoute } from '@tanstack/react-router';
import { ApiKeysSection } from '@/features/settings/api-keys-section';

export const Route = createFileRoute('/settings/api-keys')({ component: ApiKeysSection });
