import { startUdevd } from './udev.js';

/**
 * Runs once before the hw-sim suites, inside the VM. Refuses to run anywhere else: these
 * suites load kernel modules and create USB gadgets as root.
 */
export async function setup(): Promise<void> {
  if (process.env['HWSIM'] !== '1') {
    throw new Error('hw-sim suites run inside the VM: use `npm run test:hwsim` (test/hwsim/run-suites.sh)');
  }
  // Hotplug (the `usb` package, libudev) and device-node permissions need udevd.
  await startUdevd();
}
