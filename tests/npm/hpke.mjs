// Independent HPKE for the .NET interop tests: DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-GCM, mode_base.
//   node hpke.mjs seal <pkR> <info> <aad> <plaintext> <128|256>  -> prints enc ‖ ciphertext (hex)
//   node hpke.mjs open <skR> <info> <aad> <enc‖ciphertext> <128|256> -> prints plaintext (hex)
// Every argument is hex ("" for empty).
import { Aes128Gcm, Aes256Gcm, CipherSuite, HkdfSha256 } from "@hpke/core";
import { DhkemX25519HkdfSha256 } from "@hpke/dhkem-x25519";

const [command, keyHex, infoHex, aadHex, dataHex, aeadBits] = process.argv.slice(2);
const hex = (s) => Uint8Array.from(Buffer.from(s ?? "", "hex"));
const toHex = (b) => Buffer.from(new Uint8Array(b)).toString("hex");
const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
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
  const recipientKey = await suite.kem.deserializePrivateKey(hex(keyHex));
  const recipient = await suite.createRecipientContext({ recipientKey, enc: data.slice(0, 32), info: hex(infoHex) });
  process.stdout.write(toHex(await recipient.open(data.slice(32), hex(aadHex))));
} else {
  process.stderr.write("usage: node hpke.mjs seal|open KEY INFO AAD DATA 128|256\n");
  process.exit(2);
}
