// The app page's entry: define the shell (which defines what it uses).
import './elements/app/app.define.js';
