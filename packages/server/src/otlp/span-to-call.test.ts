import { describe, expect, it } from 'vitest';
import type { AttributeValue, ReceivedSpan } from './otlp-spans.js';
import { spanToCall } from './span-to-call.js';

const span = (
  kind: number,
  attributes: Record<string, AttributeValue>,
  resource: Record<string, AttributeValue> = { 'service.name': 'portal' },
): ReceivedSpan => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  parentSpanId: '00f067aa0ba902b7',
  name: 'GET',
  kind,
  startNs: 1_767_261_600_000_000_000n,
  endNs: 1_767_261_600_012_400_000n,
  flags: 1,
  attributes: new Map(Object.entries(attributes)),
  resource: new Map(Object.entries(resource)),
});

describe('spanToCall', () => {
  it('puts the URL of a server span together from the stable conventions, without a default port', () => {
    const outcome = spanToCall(
      span(2, {
        'http.request.method': 'POST',
        'url.scheme': 'https',
        'server.address': 'portal.example.com',
        'server.port': 443,
        'url.path': '/saml/acs',
        'url.query': 'RelayState=1',
        'http.response.status_code': 302,
        'client.address': '10.1.2.3',
        'user_agent.original': 'Mozilla/5.0',
      }),
    );
    expect(outcome).toMatchObject({
      call: {
        direction: 'INCOMING',
        appFrom: '10.1.2.3',
        appTo: 'portal',
        method: 'POST',
        url: 'https://portal.example.com/saml/acs?RelayState=1',
        statusCode: 302,
        durationMs: 12,
        at: '2026-01-01T10:00:00.000Z',
        request: {
          headers: {
            'user-agent': 'Mozilla/5.0',
            traceparent: '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01',
          },
        },
      },
    });
  });

  it('reads the older conventions of a client span (http.target, net.peer.name/port, http.status_code)', () => {
    const outcome = spanToCall(
      span(3, {
        'http.method': 'get',
        'http.scheme': 'http',
        'net.peer.name': 'crm.local',
        'net.peer.port': 8080,
        'http.target': '/api?x=1',
        'http.status_code': 200,
      }),
    );
    expect(outcome).toMatchObject({
      call: {
        direction: 'OUTGOING',
        appFrom: 'portal',
        appTo: 'crm.local',
        method: 'GET',
        url: 'http://crm.local:8080/api?x=1',
        statusCode: 200,
      },
    });
  });

  it('keeps the original of an _OTHER method, and captured headers as headers', () => {
    const outcome = spanToCall(
      span(3, {
        'http.request.method': '_OTHER',
        'http.request.method_original': 'PROPFIND',
        'url.full': 'https://dav.example.com/a',
        'http.request.header.x-request-id': ['r-1'],
        'http.response.header.set-cookie': ['a=1', 'b=2'],
      }),
    );
    expect(outcome).toMatchObject({
      call: {
        method: 'PROPFIND',
        request: { headers: { 'x-request-id': 'r-1' } },
        response: { headers: { 'set-cookie': ['a=1', 'b=2'] } },
      },
    });
  });

  it('skips internal spans and client spans without an HTTP method; rejects a span without a URL', () => {
    expect(spanToCall(span(1, { 'http.request.method': 'GET' }))).toHaveProperty('skipped');
    expect(spanToCall(span(3, { 'db.system': 'postgresql' }))).toHaveProperty('skipped');
    expect(spanToCall(span(3, { 'http.request.method': 'GET' }))).toEqual({
      rejected: 'no URL (url.full, or url.path / http.target with the host)',
    });
    expect(
      spanToCall(
        span(3, { 'http.request.method': 'GET', 'url.full': 'https://a/', 'synctrail.action': 'LOGIN' }),
      ),
    ).toHaveProperty('rejected');
  });

  it('takes the run and labels from the resource when the span has none of its own', () => {
    const outcome = spanToCall(
      span(
        3,
        { 'http.request.method': 'GET', 'url.full': 'https://idp/authorize', 'synctrail.login': 'ada@x.io' },
        {
          'service.name': 'connector',
          'synctrail.run.id': '0190d7a4-0000-7000-8000-000000000001',
          'synctrail.login': 'other@x.io',
        },
      ),
    );
    expect(outcome).toMatchObject({
      call: { runId: '0190d7a4-0000-7000-8000-000000000001', login: 'ada@x.io', appTo: 'idp' },
    });
  });
});
