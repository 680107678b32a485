import { Download } from 'lucide-react';
import { apiUrl } from '@/api/client';
import { Button } from './ui/button';

/** Export CSV (and PDF where the list has one) of exactly the rows the filters select, uncapped. */
export function ExportLinks({
  path,
  query,
  pdf = false,
}: {
  path: string;
  query: Record<string, string>;
  pdf?: boolean;
}) {
  return (
    <>
      <Button variant="outline" size="sm" asChild>
        <a href={apiUrl(path, { ...query, format: 'csv' })} download>
          <Download aria-hidden /> Export CSV
        </a>
      </Button>
      {pdf && (
        <Button variant="outline" size="sm" asChild>
          <a href={apiUrl(path, { ...query, format: 'pdf' })} download>
            <Download aria-hidden /> Export PDF
          </a>
        </Button>
      )}
    </>
  );
}
