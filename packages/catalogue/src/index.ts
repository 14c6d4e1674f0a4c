/** The catalogue: routes, resources and events, defined once (data, no I/O). */
export * from './events.ts';
export * from './fields.ts';
export * from './load-balancer.ts';
export * from './resources.ts';
export * from './routes.ts';
export * from './services.ts';
export * from './tracing.ts';
export * from './web.ts';
