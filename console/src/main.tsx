import '@fontsource/roboto/400.css';
import '@fontsource/roboto/500.css';
import '@fontsource/roboto/700.css';
import './locales/index.js';
import './styles/global.css';

import { CssReset, CssVariables } from '@dhis2/ui';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App.js';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <CssReset />
    <CssVariables colors spacers theme elevations />
    <App />
  </StrictMode>,
);
