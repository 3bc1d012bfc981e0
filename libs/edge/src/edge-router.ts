import type { EdgeHandler, EdgeRequest, EdgeResponse } from '@spate/aws-protocol';
import type { EdgeMetrics } from './edge-metrics';

/**
 * Everything on the AWS port: the operational endpoints (`GET /health`, `GET /metrics`) and the
 * AWS services, told apart by path and method (all JSON services are `POST /`).
 */
export function createEdgeRouter(kinesis: EdgeHandler, metrics: EdgeMetrics): EdgeHandler {
  return async (request: EdgeRequest): Promise<EdgeResponse> => {
    if (request.method === 'GET' || request.method === 'HEAD') {
      const path = request.path.split('?')[0];
      if (path === '/health') return text(200, 'application/json', '{"status":"ok"}');
      if (path === '/metrics') {
        const rendered = await metrics.render();
        return text(200, rendered.contentType, rendered.body);
      }
    }
    return kinesis(request);
  };
}

function text(statusCode: number, contentType: string, body: string): EdgeResponse {
  return { statusCode, headers: { 'content-type': contentType }, body: Buffer.from(body) };
}
