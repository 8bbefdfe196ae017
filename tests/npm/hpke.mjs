// Independent HPKE for the .NET interop tests: DHKEM(X25519, HKDF-SHA256) (@hpke/dhkem-x25519) or X-Wing
// (@hpke/hybridkem-x-wing) / HKDF-SHA256 / AES-GCM, mode_base.
//   node hpke.mjs seal <pkR> <info> <aad> <plaintext> <128|256> [x25519|xwing] -> prints enc ‖ ciphertext (hex)
//   node hpke.mjs open <skR> <info> <aad> <enc‖ciphertext> <128|256> [x25519|xwing] -> prints plaintext (hex)
// Every argument but the last two is hex ("" for empty). The KEM defaults to x25519.
import { Aes128Gcm, Aes256Gcm, CipherSuite, HkdfSha256 } from "@hpke/core";
import { DhkemX25519HkdfSha256 } from "@hpke/dhkem-x25519";
import { XWing } from "@hpke/hybridkem-x-wing";

const [command, keyHex, infoHex, aadHex, dataHex, aeadBits, kemName = "x25519"] = process.argv.slice(2);
const hex = (s) => Uint8Array.from(Buffer.from(s ?? "", "hex"));
const toHex = (b) => Buffer.from(new Uint8Array(b)).toString("hex");
const kems = { x25519: () => new DhkemX25519HkdfSha256(), xwing: () => new XWing() };
if (!(kemName in kems)) {
  process.stderr.write(`unknown KEM ${kemName}: x25519 or xwing\n`);
  process.exit(2);
}

const suite = new CipherSuite({
  kem: kems[kemName](),
  kdf: new HkdfSha256(),
  aead: aeadBits === "128" ? new Aes128Gcm() : new Aes256Gcm(),
});

if (command === "seal") {
  const recipientPublicKey = await suite.kem.deserializePublicKey(hex(keyHex));
  const sender = await suite.createSenderContext({ recipientPublicKey, info: hex(infoHex) });
  const ciphertext = await sender.seal(hex(dataHex), hex(aadHex));
  process.stdout.write(toHex(sender.enc) + toHex(ciphertext));
} else if (command === "open") {
  const data = hex(dataHex);
  const encSize = suite.kem.encSize;
  const recipientKey = await suite.kem.deserializePrivateKey(hex(keyHex));
  const recipient = await suite.createRecipientContext({ recipientKey, enc: data.slice(0, encSize), info: hex(infoHex) });
  process.stdout.write(toHex(await recipient.open(data.slice(encSize), hex(aadHex))));
} else {
  process.stderr.write("usage: node hpke.mjs seal|open KEY INFO AAD DATA 128|256 [x25519|xwing]\n");
  process.exit(2);
}
