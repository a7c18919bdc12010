// bench:startup's child: what `antiphon start` does before the box is assembled, timed step
// by step from the process's start (performance.now() counts from it): the CLI's modules,
// the config, the hardware, the box's modules. Plain JavaScript over dist/, like the CLI.
// usage: node bench/startup-stages.mjs CONFIG
const t = { nodeBoot: performance.now() };
const [{ loadConfig }, { createLogger }, { openHardware }] = await Promise.all([
  import('../dist/system/config.js'),
  import('../dist/system/log.js'),
  import('../dist/system/hardware.js'),
]);
t.cliModules = performance.now();
const { config } = loadConfig(process.argv[2]);
createLogger(config.log.level, false);
t.config = performance.now();
openHardware();
t.hardware = performance.now();
await Promise.all([import('../dist/cli/box.js'), import('../dist/cli/surfaces.js')]);
t.boxModules = performance.now();
process.stdout.write(`${JSON.stringify(t)}\n`);
process.exit(0);
