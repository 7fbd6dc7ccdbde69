import { createCipheriv, createDecipheriv, createHmac, randomBytes, scryptSync } from "node:crypto";

/**
 * Fixed salt for the key derivation. A random per-value salt would buy nothing here: there is one
 * key per deployment, and it must derive to the same bytes in every replica and after restarts.
 * Naming the purpose keeps the same passphrase, reused elsewhere, from yielding this same key.
 */
const salt = "roadmap-bot/slack-installation-tokens/v1";

/**
 * scrypt rather than HKDF: SLACK_TOKEN_ENCRYPTION_KEY is typed by an operator and may well be a
 * passphrase, not 32 random bytes. With a stolen database, every guess at a weak passphrase then
 * costs ~32 MiB and tens of milliseconds; the bot pays that once, when it starts.
 */
const scryptCost = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

const ivBytes = 12;
const tagBytes = 16;
const format = "v1";

/**
 * AES-256-GCM for the secrets of a Slack installation. Every value gets a fresh 12-byte IV, and is
 * bound to a context string (which installation, which field) as associated data, so a ciphertext
 * copied into another installation's document or another field does not decrypt there.
 */
export class TokenCipher {
  /**
   * A fingerprint of the key, stored beside what it encrypted: a document saved under another key
   * is recognised as such (a key rotation, a wrong variable) instead of as tampered data. One-way:
   * it reveals nothing about the key.
   */
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length === 0) throw new TypeError("SLACK_TOKEN_ENCRYPTION_KEY is empty: set it to a long random string");
    this.key = scryptSync(secret, salt, 32, scryptCost);
    this.keyId = createHmac("sha256", this.key).update("key-id").digest("hex").slice(0, 16);
  }

  /** `plaintext` encrypted, as one printable string: "v1.<iv>.<tag>.<ciphertext>" in base64url. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: tagBytes });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [format, iv, cipher.getAuthTag(), body]
      .map((part) => (typeof part === "string" ? part : b64(part)))
      .join(".");
  }

  /** The plaintext, or undefined when the value is malformed, tampered with, or sealed under another key or context. */
  open(sealed: string, context: string): string | undefined {
    const [version, iv, tag, body, extra] = sealed.split(".");
    if (version !== format || iv === undefined || tag === undefined || body === undefined || extra !== undefined) {
      return undefined;
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"), {
        authTagLength: tagBytes,
      });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      // A wrong IV length, a short tag or a failed authentication: all mean "cannot be read".
      return undefined;
    }
  }
}

const b64 = (bytes: Buffer): string => bytes.toString("base64url");
