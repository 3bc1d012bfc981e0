let detection: Promise<boolean> | undefined;

/**
 * Whether testcontainers finds a container runtime (Docker, Podman, …). Without one it fails in
 * milliseconds; the answer is kept for the rest of the process.
 */
export function containerRuntimeAvailable(): Promise<boolean> {
  detection ??= import('testcontainers')
    .then(({ getContainerRuntimeClient }) => getContainerRuntimeClient())
    .then(
      () => true,
      () => false,
    );
  return detection;
}
