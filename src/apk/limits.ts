const MiB = 1024 * 1024;

/**
 * Entries read from the ZIP central directory. A ZIP without ZIP64 records
 * counts entries in 16 bits, so no APK this module accepts can list more.
 */
export const MAX_ZIP_ENTRIES = 65_535;

/**
 * Bytes of central directory read into memory. Even 65,535 entries with
 * 300-byte paths stay under 20 MiB, and real APKs need well under 1 MiB.
 */
export const MAX_CENTRAL_DIRECTORY_BYTES = 32 * MiB;

/**
 * Inflated size of AndroidManifest.xml. Large apps ship manifests of a few
 * hundred KiB, so 8 MiB leaves ample room while a ZIP bomb stops early.
 */
export const MAX_MANIFEST_BYTES = 8 * MiB;

/**
 * Inflated size of resources.arsc, read only to resolve a label or
 * versionName given as a resource reference. Apps with many languages reach
 * tens of MiB, so the cap is higher than the manifest's.
 */
export const MAX_RESOURCE_TABLE_BYTES = 64 * MiB;

/**
 * Size of the APK Signing Block. It holds a few signature-scheme values of
 * some KiB each plus padding to a 4 KiB boundary; 16 MiB still leaves room
 * for vendor blocks such as distribution-channel metadata.
 */
export const MAX_SIGNING_BLOCK_BYTES = 16 * MiB;

/**
 * Inflated size of a META-INF/*.RSA, *.DSA or *.EC file. It contains a
 * signature and a certificate chain of a few KiB.
 */
export const MAX_JAR_SIGNATURE_FILE_BYTES = 1 * MiB;

/**
 * Chunks in one package of resources.arsc, which each lookup walks. Each
 * (type, configuration) pair is one chunk: Debian's Android 10
 * framework-res.apk, a 31 MB table, has 3,881. A walk of 100,000 tiny chunks
 * took about 10 ms on a 2-core machine.
 */
export const MAX_RESOURCE_TABLE_CHUNKS = 100_000;

/** Resource references followed from one value to the next before giving up, which stops reference loops. */
export const MAX_RESOURCE_REFERENCE_DEPTH = 8;

/** Nesting of ASN.1 elements in a certificate or PKCS#7 file; real ones nest fewer than 15 deep. */
export const MAX_DER_DEPTH = 32;
