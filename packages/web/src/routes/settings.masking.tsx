import { createFileRoute } from '@tanstack/react-router';
import { MaskingSection } from '@/features/settings/masking-section';

export const Route = createFileRoute('/settings/masking')({ component: MaskingSection });
