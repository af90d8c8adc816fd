import type { Command } from 'commander';
import { registerAddonCommands } from './addon.js';
import { registerComponents } from './components.js';
import { registerDoctor } from './doctor.js';
import { registerClusterCommands } from './cluster.js';
import { registerConfigCommands } from './config.js';
import { registerLoginCommand } from './login.js';
import { registerLogoutCommand } from './logout.js';
import { registerKubectlCredentialsCommand } from './kubectl-credentials.js';
import { registerMonitoringCommands } from './monitoring.js';
import { registerNodeGroupCommands } from './nodegroup.js';
import { registerProjectCommands } from './project.js';
import { registerRegistryCommands } from './registry.js';
import { registerServerCommand } from './server.js';
import { registerTokenCommands } from './token.js';
import { registerVersionCommands } from './version.js';
import { registerVolumeCommands } from './volume.js';
import { registerWaitCommand } from './wait.js';
import { registerGlobalOptions } from '../lib/settings.js';

/** Every command group of the CLI; each entry adds its subcommands to the program. */
export const commandGroups: Array<(program: Command) => void> = [
  (program) => registerComponents(program),
  (program) => registerDoctor(program),
  (program) => registerGlobalOptions(program),
  (program) => registerLoginCommand(program),
  (program) => registerLogoutCommand(program),
  (program) => registerKubectlCredentialsCommand(program),
  (program) => registerClusterCommands(program),
  (program) => registerNodeGroupCommands(program),
  (program) => registerVolumeCommands(program),
  (program) => registerAddonCommands(program),
  (program) => registerMonitoringCommands(program),
  (program) => registerTokenCommands(program),
  (program) => registerProjectCommands(program),
  (program) => registerVersionCommands(program),
  (program) => registerRegistryCommands(program),
  (program) => registerConfigCommands(program),
  (program) => registerWaitCommand(program),
  (program) => registerServerCommand(program),
];
