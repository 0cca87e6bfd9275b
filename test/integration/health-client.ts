import * as grpc from '@grpc/grpc-js';
import { protoPath } from 'grpc-health-check';
import { loadSync } from '@grpc/proto-loader';

/** A minimal grpc.health.v1 client, as a Kubernetes probe or grpcurl would call it. */
export const HealthClient = {
  check(address: string): Promise<string> {
    const pkg = grpc.loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
    const client = new pkg.grpc.health.v1.Health(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & { check(req: object, cb: (err: Error | null, res: { status: string }) => void): void };
    return new Promise((resolve, reject) =>
      client.check({ service: '' }, (err, res) => {
        client.close();
        if (err !== null) reject(err);
        else resolve(res.status);
      }),
    );
  },
};
