// Side-effect entry: registers every element.
import './elements/app/app.define.js';
import './elements/chat/chat.define.js';
import './elements/chat-history/chat-history.define.js';
import './elements/chat-message/chat-message.define.js';
import './elements/chat-settings/chat-settings.define.js';
import './elements/device-panel/device-panel.define.js';
import './elements/load-progress/load-progress.define.js';
import './elements/model-card/model-card.define.js';
import './elements/model-manager/model-manager.define.js';
import './elements/model-picker/model-picker.define.js';
import './elements/network-indicator/network-indicator.define.js';
import './elements/no-webgpu/no-webgpu.define.js';
import './elements/status-strip/status-strip.define.js';
import './elements/translate/translate.define.js';
import './elements/update-prompt/update-prompt.define.js';
