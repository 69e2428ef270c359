// NestJS on its Fastify adapter, for `http-servers.ts`. Node runs TypeScript by stripping
// types, which leaves decorators out, so the decorators are applied by hand: the same calls
// `@Controller()`, `@Post("sum")`, `@HttpCode(200)` and `@Body()` make.
import "reflect-metadata";
import { Body, Controller, HttpCode, Module, Post } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter, type NestFastifyApplication } from "@nestjs/platform-fastify";

class SumController {
  sum(body: { a: number; b: number }): { v: number } {
    return { v: body.a + body.b };
  }
}

const method: PropertyDescriptor = Object.getOwnPropertyDescriptor(SumController.prototype, "sum") ?? {};
Body()(SumController.prototype, "sum", 0);
HttpCode(200)(SumController.prototype, "sum", method);
Post("sum")(SumController.prototype, "sum", method);
Controller()(SumController);

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is an empty class its decorator describes
class AppModule {}
Module({ controllers: [SumController] })(AppModule);

/** Starts the NestJS server on 127.0.0.1:`port`. */
export async function startNest(port: number): Promise<NestFastifyApplication> {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest documents its options as this literal
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false });
  await app.listen(port, "127.0.0.1");
  return app;
}
