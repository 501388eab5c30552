// Run after every spec file's setup (jest.config.ts): no test leaves a route server open.
import { closeRouteServers } from './route-server';

afterEach(closeRouteServers);
