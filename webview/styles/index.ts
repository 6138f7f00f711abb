// The panel's styles, one file per component. esbuild bundles each as text (scripts/build.mjs: loader
// '.css': 'text'); they are joined in this order, which is the order of the cascade.
import base from './base.css';
import composer from './composer.css';
import connection from './connection.css';
import decoded from './decoded.css';
import detail from './detail.css';
import frames from './frames.css';
import log from './log.css';
import proxy from './proxy.css';
import server from './server.css';
import textPaged from './textPaged.css';
import toolbar from './toolbar.css';

/** Every style of the panel, as one stylesheet's text. */
export const panelStyles = [base, toolbar, log, detail, textPaged, frames, composer, connection, server, proxy, decoded].join('\n');
