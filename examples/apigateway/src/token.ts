// Prints a token the gateway accepts, for trying it out:
//
//   JWT_SECRET=… node src/token.ts [subject] [seconds]
//
// HS256 with JWT_SECRET, `iss` JWT_ISSUER (default apigateway), `aud` JWT_AUDIENCE (default
// addsvc), `sub` the subject (default ann), valid for the given seconds (default 3600).
import { SignJWT } from "jose";

const secret = process.env.JWT_SECRET ?? "";
if (Buffer.byteLength(secret) < 32) {
  console.error("JWT_SECRET must be set, at least 32 bytes\nusage: JWT_SECRET=… node src/token.ts [subject] [seconds]");
  process.exit(2);
}
const [subject = "ann", seconds = "3600"] = process.argv.slice(2);
const token = await new SignJWT({})
  .setProtectedHeader({ alg: "HS256" })
  .setIssuer(process.env.JWT_ISSUER ?? "apigateway")
  .setAudience(process.env.JWT_AUDIENCE ?? "addsvc")
  .setSubject(subject)
  .setIssuedAt()
  .setExpirationTime(Math.floor(Date.now() / 1000) + Number(seconds))
  .sign(new TextEncoder().encode(secret));
console.log(token);
