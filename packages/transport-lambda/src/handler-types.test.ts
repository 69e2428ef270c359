// The handlers fit the handler types of @types/aws-lambda, so an application can annotate its
// exports with them; a change that broke that fails the typecheck (and these assertions).
import type { ALBHandler, APIGatewayProxyHandler, APIGatewayProxyHandlerV2, LambdaFunctionURLHandler, SQSHandler } from "aws-lambda";
import { decodeJSONMessage } from "@kit/transport";
import { describe, expect, it } from "vitest";
import { albEvent, httpEvent, lambdaContext, restEvent, sqsEvent, sqsRecord } from "../test/fixtures/events.ts";
import { decodeJSON, encodeJSON } from "./codec.ts";
import { server } from "./server.ts";
import { subscriber } from "./subscriber.ts";

const echo = server((_ctx, request: unknown) => Promise.resolve(request), decodeJSON(), encodeJSON);
const jobs = subscriber(() => Promise.resolve(), decodeJSONMessage());

describe("handler types", () => {
  it("are @types/aws-lambda's API Gateway, ALB, function URL and SQS handlers", async () => {
    const rest: APIGatewayProxyHandler = echo;
    const v2: APIGatewayProxyHandlerV2 = echo;
    const url: LambdaFunctionURLHandler = echo;
    const alb: ALBHandler = echo;
    const sqs: SQSHandler = jobs;
    const context = lambdaContext();
    const noCallback = (): undefined => undefined;
    expect(await rest(restEvent(), context, noCallback)).toMatchObject({ statusCode: 200 });
    expect(await v2(httpEvent(), context, noCallback)).toMatchObject({ statusCode: 200 });
    expect(await url(httpEvent(), context, noCallback)).toMatchObject({ statusCode: 200 });
    expect(await alb(albEvent(), context, noCallback)).toMatchObject({ statusCode: 200, statusDescription: "200 OK" });
    expect(await sqs(sqsEvent([sqsRecord("m", "{}")]), context, noCallback)).toEqual({ batchItemFailures: [] });
  });
});
