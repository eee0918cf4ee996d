import { fileURLToPath } from 'node:url';

/**
 * A debug APK built by the Android Gradle plugin, not by this project:
 * io.appium.settings 8.0.10 from the npm package of the same name
 * (Apache-2.0), signed with the v2 scheme only. Its expected values are in
 * test/fixtures/apk/README.md.
 */
export const FIXTURE_APK = fileURLToPath(new URL('../fixtures/apk/io.appium.settings-8.0.10.apk', import.meta.url));
